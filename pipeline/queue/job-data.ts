/** What a queue job carries: descriptions and counters only (docs/scale-out.md). */

/** The pipeline as the submitter read it: workers run the same file, or this copy of it. */
export interface PipelineCopy {
  /** Absolute path on the submitting machine; used as is where it holds the same text. */
  path: string;
  text: string;
  sha256: string;
}

/** One keyframe-aligned piece of the input, with the frames decoded before it unwritten. */
export interface SegmentPlan {
  index: number;
  /** First frame written (an index into the whole file) and how many are written. */
  first: number;
  frames: number;
  /** Frames decoded before `first` so temporal stages settle; not written. */
  warmup: number;
  /** Where decoding starts, in seconds for ffmpeg's `-ss` (between two frames' timestamps). */
  seekS: number;
}

export interface FileJobData {
  kind: 'file';
  pipeline: PipelineCopy;
  /** The user's `--set`s other than input/output. */
  sets: string[];
  sourceNode: string;
  sinkNode: string;
  input: string;
  output: string;
  /** Hidden folder beside the output for segment files; removed when the job ends. */
  workDir: string;
  /** The submitter's working folder: relative paths in the pipeline resolve from there. */
  cwd: string;
  fps: number;
  totalFrames: number;
  warmup: number;
  segmentSeconds: number;
  segments: SegmentPlan[];
  /** Copy the input's audio into the joined file (the sink's `audio: copy`). */
  audio: boolean;
  submittedAt: string;
  submittedBy: string;
}

export interface SegmentJobData {
  kind: 'segment';
  fileJobId: string;
  pipeline: PipelineCopy;
  /** Every `--set` of this segment's `kind-pipe run`, input/output and the cut included. */
  sets: string[];
  workDir: string;
  cwd: string;
  segment: SegmentPlan;
  /** Where the segment's video goes (inside workDir). */
  path: string;
}

/** What a finished segment job returns (kept in Redis as its return value). */
export interface SegmentResult {
  index: number;
  path: string;
  frames: number;
  sha256: string;
  worker: string;
  startedAt: string;
  finishedAt: string;
  elapsedS: number;
}

/** Progress a segment reports: frames written so far of the frames it writes. */
export interface SegmentProgress {
  frames: number;
  total: number;
}

export interface CameraJobData {
  kind: 'camera';
  pipeline: PipelineCopy;
  sets: string[];
  sourceNode: string;
  sinkNode: string;
  url: string;
  /** Output pattern: each recorded piece is `<stem>-<UTC start>-<n><ext>` beside it. */
  output: string;
  /** Frames per recorded piece: a takeover loses at most the piece in progress. */
  pieceFrames: number;
  cwd: string;
  submittedAt: string;
  submittedBy: string;
}
