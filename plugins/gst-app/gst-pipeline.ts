/** Loading the binding and building a pipeline, with errors that name the node and its option. */
import { KindPipeError } from '../../core/errors.js';
import { loadBinding, type GstBinding, type GstPipeline } from './binding.js';

export function requireBinding(where: string): GstBinding {
  const binding = loadBinding();
  if (binding instanceof Error) throw new KindPipeError('plugin', `${where} option 'pipeline': ${binding.message}`);
  return binding;
}

/** GStreamer's parse error for `description`, or undefined when it builds. */
export function parseProblem(binding: GstBinding, description: string): string | undefined {
  try {
    new binding.Pipeline(description);
    return undefined;
  } catch (error) {
    return `GStreamer cannot build it: ${(error as Error).message}. Fix: check each element name (gst-inspect-1.0 NAME lists its properties; a missing one may need another gstreamer1.0-plugins-* package) and the '!' links`;
  }
}

export function buildPipeline(binding: GstBinding, description: string, where: string): GstPipeline {
  try {
    return new binding.Pipeline(description);
  } catch (error) {
    throw new KindPipeError('config', `${where} option 'pipeline': GStreamer cannot build '${description}': ${(error as Error).message}`);
  }
}

/** check()'s problems for a node's `pipeline` option: the binding is there and GStreamer parses `description`. */
export function pipelineProblems(description: string): { option: string; message: string }[] {
  const binding = loadBinding();
  if (binding instanceof Error) return [{ option: 'pipeline', message: `option 'pipeline': ${binding.message}` }];
  const problem = parseProblem(binding, description);
  return problem ? [{ option: 'pipeline', message: `option 'pipeline': ${problem}` }] : [];
}
