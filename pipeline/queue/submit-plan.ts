import { hostname } from 'node:os';
import { basename, dirname, extname, join, resolve } from 'node:path';
import { KindPipeError } from '../../core/errors.js';
import type { BuiltGraph, BuiltNode } from '../../core/graph/built-graph.js';
import { graphWarmupFrames } from '../../core/graph/warmup.js';
import { probeVideo } from '../../core/media/probe.js';
import { indexFrames } from './frame-index.js';
import type { FileJobData, PipelineCopy, SegmentJobData } from './job-data.js';
import { planSegments } from './plan.js';

/** The one node of `role` whose plugin is `plugin`, or an error that says what submit needs. */
export function onlyNode(graph: BuiltGraph, role: 'source' | 'sink', plugin: string, why: string): BuiltNode {
  const nodes = graph.nodes.filter((n) => n.plugin.role === role);
  if (nodes.length !== 1 || nodes[0].plugin.id !== plugin) {
    throw new KindPipeError('config', `${graph.file}: kind-pipe submit ${why}, so the pipeline needs exactly one ${role} node of plugin ${plugin}; it has ${nodes.map((n) => `${n.id} (${n.plugin.id})`).join(', ') || 'none'}`);
  }
  return nodes[0];
}

export interface FilePlanOptions {
  segmentSeconds: number;
  /** Overrides the warm-up the graph's stages declare. */
  warmup?: number;
}

/** Everything a file job carries: the cut into segments and each segment's `kind-pipe run`. */
export async function planFileJob(jobId: string, graph: BuiltGraph, pipeline: PipelineCopy, userSets: readonly string[], options: FilePlanOptions): Promise<{ file: FileJobData; segments: SegmentJobData[] }> {
  const source = onlyNode(graph, 'source', 'source.file', 'cuts one input file into segments');
  const sink = onlyNode(graph, 'sink', 'sink.file', 'joins the segments into one video file');
  const input = resolve(String(source.options.path));
  const output = resolve(String(sink.options.path));
  if (input === output) throw new KindPipeError('usage', `--set output=${output} is the input. Fix: write the enhanced video to another file`);
  if (Number(source.options.start) > 0 || Number(source.options.frames) > 0) {
    throw new KindPipeError('usage', `${source.id}.start/${source.id}.frames: kind-pipe submit runs the whole file. Fix: cut the part you want first (ffmpeg -ss … -t … -c copy), or use kind-pipe run`);
  }
  const [probe, index] = await Promise.all([probeVideo(input), indexFrames(input)]);
  if (index.pts.length === 0) throw new KindPipeError('input', `${input} decoded to zero frames. Fix: check that the file has video`);
  const warmup = options.warmup ?? graphWarmupFrames(graph);
  const plan = planSegments(index, options.segmentSeconds, warmup);
  const workDir = join(dirname(output), `.${basename(output)}.kind-pipe-${jobId}`);
  const cwd = process.cwd();
  const sets = userSets.filter((s) => !/^(input|output)=/.test(s));
  const file: FileJobData = {
    kind: 'file',
    pipeline,
    sets,
    sourceNode: source.id,
    sinkNode: sink.id,
    input,
    output,
    workDir,
    cwd,
    fps: probe.fps,
    totalFrames: index.pts.length,
    warmup,
    segmentSeconds: options.segmentSeconds,
    segments: plan,
    audio: sink.options.audio === 'copy' && probe.hasAudio,
    submittedAt: new Date().toISOString(),
    submittedBy: `${hostname()}:${process.pid}`,
  };
  const segments = plan.map((segment): SegmentJobData => {
    const path = join(workDir, `segment-${String(segment.index).padStart(4, '0')}${extname(output)}`);
    return {
      kind: 'segment',
      fileJobId: jobId,
      pipeline,
      sets: [
        ...sets,
        `${source.id}.path=${input}`,
        `${source.id}.start=${segment.seekS}`,
        `${source.id}.frames=${segment.warmup + segment.frames}`,
        `${sink.id}.path=${path}`,
        `${sink.id}.skip=${segment.warmup}`,
        `${sink.id}.audio=none`,
      ],
      workDir,
      cwd,
      segment,
      path,
    };
  });
  return { file, segments };
}
