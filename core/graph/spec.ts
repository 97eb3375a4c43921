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
}
