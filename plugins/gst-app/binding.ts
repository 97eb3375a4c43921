/**
 * The lazily loaded GStreamer binding (npm `gstreamer-superficial`, an optional dependency that
 * node-gyp builds at `npm ci` against Debian's GStreamer headers). Only what source.gst and
 * sink.gst use is typed here.
 *
 * A `.node` add-on cannot be loaded with `import()` on Node 20 (ERR_UNKNOWN_FILE_EXTENSION), so it
 * is required through `createRequire`, on first use: a machine without GStreamer runs every other
 * plugin. `KIND_PIPE_GST_BINDING` names another module with the same API (a fork, or a missing
 * name to see the message below).
 */
import { createRequire } from 'node:module';

export interface GstElement {
  [property: string]: unknown;
}

export interface GstAppSink extends GstElement {
  /** Calls back with the next buffer's bytes and its caps, or with null at end of stream. */
  pull(callback: (buffer: Buffer | null, caps: Record<string, unknown>) => void): void;
}

export interface GstAppSrc extends GstElement {
  /** Copies `data` into a new buffer; `pts` is 8 bytes, big-endian nanoseconds. */
  push(data: Uint8Array, pts: Buffer): void;
}

export interface GstBusMessage {
  type: string;
  /** For errors: the path of the element that posted it. */
  name?: string;
  message?: string;
  _src_element_name?: string;
  [field: string]: unknown;
}

export interface GstPipeline {
  play(): void;
  stop(): void;
  sendEOS(): void;
  findChild(name: string): GstElement | undefined;
  pollBus(callback: (message: GstBusMessage) => void): void;
  queryDuration(): number;
  /** GstPipeline's property: flush the bus on the way to NULL (default true). */
  'auto-flush-bus': boolean;
}

export interface GstBinding {
  Pipeline: new (description: string) => GstPipeline;
}

export const bindingModule = 'gstreamer-superficial';

export const installHint =
  'Fix: install GStreamer and its headers (apt-get install libgstreamer1.0-dev libgstreamer-plugins-base1.0-dev ' +
  'gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly, or bash scripts/setup.sh --gstreamer), ' +
  `then reinstall node modules (rm -rf node_modules && npm ci) so that the optional dependency ${bindingModule} is built`;

const loaded = new Map<string, GstBinding | Error>();

/**
 * The binding, or an Error whose message says why it is missing and how to fix it. Loads once per
 * module name; never throws.
 */
export function loadBinding(name = process.env.KIND_PIPE_GST_BINDING || bindingModule): GstBinding | Error {
  let result = loaded.get(name);
  if (result) return result;
  try {
    const binding = createRequire(import.meta.url)(name) as Partial<GstBinding>;
    if (typeof binding.Pipeline !== 'function') throw new Error(`${name} has no Pipeline class`);
    result = binding as GstBinding;
  } catch (error) {
    const code = (error as { code?: string }).code;
    const why =
      code === 'MODULE_NOT_FOUND'
        ? `the npm package ${name} is not installed (it is an optional dependency, skipped when its native build fails, e.g. without the GStreamer headers)`
        : `the npm package ${name} could not be loaded (${(error as Error).message.split('\n')[0]}): GStreamer's libraries may be missing`;
    result = new Error(`GStreamer is not available: ${why}. ${installHint}`);
  }
  loaded.set(name, result);
  return result;
}
