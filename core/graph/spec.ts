/** A graph as the pipeline loader hands it to the builder: plain data plus a way to point at it. */
export interface NodeSpec {
  id: string;
  plugin: string;
  /** Input port → `node` or `node.port` of the producer. */
  inputs: Record<string, string>;
  options: Record<string, unknown>;
  /** Run this stage on a worker thread; undefined = the plugin's preference. */
  worker?: boolean;
}

/** A `plugins:` entry of a pipeline file: a plugin folder (relative to the file) or package name, and how to host it. */
export interface PluginReference {
  from: string;
  host?: 'inline' | 'isolated';
  policy?: 'fail' | 'restart';
  /** Seconds one request to an isolated plugin may take. */
  timeout?: number;
  /** `file:line:column` of the entry, for messages. */
  at: string;
}

export interface GraphSpec {
  /** The pipeline file, for messages. */
  file: string;
  nodes: NodeSpec[];
  /**
   * `file:line:column` of a path in the document, e.g. ['nodes', 2, 'options', 'ratio']: of its
   * value, or of its key with `part: 'key'` (for an unknown key).
   */
  locate(path: readonly (string | number)[], part?: 'key' | 'value'): string;
  /** Frames that may wait between two nodes. */
  queueSize: number;
  /** External plugins the file names (`plugins:`); none when absent. */
  plugins?: PluginReference[];
}
