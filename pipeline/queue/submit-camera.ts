import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { BuiltGraph } from '../../core/graph/built-graph.js';
import { probeRtsp } from '../../plugins/source-rtsp/rtsp-probe.js';
import type { CameraJobData, PipelineCopy } from './job-data.js';
import { cameraQueue, queuePrefix } from './names.js';
import { sha256 } from '../../core/util/hash.js';
import { onlyNode } from './submit-plan.js';

/**
 * Queues one long-running job for a camera (the same camera and output twice is one job). The
 * camera is probed here, so an unreachable one fails now with the local run's message, and its
 * frame rate sets how many frames a piece holds.
 */
export async function submitCamera(redis: Redis, graph: BuiltGraph, pipeline: PipelineCopy, sets: readonly string[], pieceSeconds: number): Promise<string> {
  const source = onlyNode(graph, 'source', 'source.rtsp', 'records one camera (--camera)');
  const sink = onlyNode(graph, 'sink', 'sink.file', 'records the camera into video files');
  const url = String(source.options.url);
  const output = resolve(String(sink.options.path));
  const probe = await probeRtsp(url, String(source.options.transport), Number(source.options.timeout));
  const fps = Number(source.options.fps) || probe.fps || 25;
  const data: CameraJobData = {
    kind: 'camera',
    pipeline,
    sets: sets.filter((s) => !/^(input|output)=/.test(s)),
    sourceNode: source.id,
    sinkNode: sink.id,
    url,
    output,
    pieceFrames: Math.max(1, Math.round(pieceSeconds * fps)),
    cwd: process.cwd(),
    submittedAt: new Date().toISOString(),
    submittedBy: `${hostname()}:${process.pid}`,
  };
  const jobId = `cam-${sha256(`${url}\n${output}`).slice(0, 10)}`;
  const cameras = new Queue(cameraQueue, { connection: redis, prefix: queuePrefix });
  try {
    await cameras.add('camera', data, { jobId, attempts: 1000, backoff: { type: 'exponential', delay: 2000 } });
  } finally {
    await cameras.close();
  }
  return jobId;
}
