/**
 * Loaded (`node --import`) into each `kind-pipe run` that a queue worker forks. When the worker
 * dies, even by SIGKILL, the IPC channel closes and the run stops as on SIGTERM: its partial
 * output is removed, and another worker takes the segment over once the job's lock runs out.
 * The channel is unref'd so that it never keeps a finished run alive.
 */
if (process.channel) {
  process.channel.unref();
  process.on('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
export {};
