/**
 * ffmpeg filters whose output depends on earlier frames, and how many earlier frames to decode
 * before a cut so that they have settled: hqdn3d's recursive temporal average at its default
 * strength forgets a frame within ~30; atadenoise, deflicker and tmedian look at a window (9, 5
 * and 3 frames by default) and get twice that. A graph with none of them needs no warm-up.
 */
const settleFrames: Readonly<Record<string, number>> = Object.freeze({ hqdn3d: 30, atadenoise: 18, deflicker: 10, tmedian: 6, fftdnoiz: 10, bm3d: 10 });

export function temporalFilterFrames(graph: string): number {
  let frames = 0;
  for (const filter of graph.split(/[,;]/)) {
    const name = filter.trim().replace(/^\[[^\]]*\]/, '').split(/[=@]/)[0].trim();
    frames += settleFrames[name] ?? 0; // a chain of temporal filters: their settling times add up
  }
  return frames;
}
