import test from 'ava';
import { parseSegment, property, splitLinks } from './description.js';
import { sinkLine, sourceLine } from './launch-lines.js';
import { parseFraction, toFraction } from './rate.js';
import { padRows, rgbStride, unpadRows } from './rows.js';

const format = { width: 320, height: 180, framerate: '25/1', maxBytes: 4 * 320 * 180 * 3 };

test('splitLinks should cut at ! outside quotes only', (t) => {
  t.deepEqual(splitLinks(`filesrc location="a!b.mp4" ! decodebin ! appsink`), ['filesrc location="a!b.mp4"', 'decodebin', 'appsink']);
  t.is(property(parseSegment(`filesink location="my file.mp4"`), 'location'), 'my file.mp4');
});

test('sourceLine should convert to RGB before the appsink and let the user’s appsink properties win', (t) => {
  const line = sourceLine('videotestsrc ! appsink name=grab sync=true');
  if ('problem' in line) return t.fail(line.problem);
  t.is(line.appsink, 'grab');
  t.is(line.description, 'videotestsrc ! videoconvert ! video/x-raw,format=RGB ! appsink name=grab sync=false max-buffers=4 drop=false emit-signals=false sync=true');
});

test('sourceLine should refuse a description that does not end in appsink, or has nothing before it, or sets appsink caps', (t) => {
  t.regex((sourceLine('videotestsrc ! fakesink') as { problem: string }).problem, /must end in '! appsink' \(it ends in 'fakesink'\)/);
  t.regex((sourceLine('appsink') as { problem: string }).problem, /nothing before appsink/);
  t.regex((sourceLine('videotestsrc ! appsink caps=video/x-raw') as { problem: string }).problem, /sets caps on the appsink/);
});

test('sinkLine should set appsrc caps, time format and blocking, add videorate, and point the one filesink at the temp name', (t) => {
  const line = sinkLine('appsrc ! videoconvert ! x264enc ! mp4mux ! filesink location=out.mp4', { ...format, writeTo: '/tmp/.out.partial.mp4' });
  if ('problem' in line) return t.fail(line.problem);
  t.is(line.location, 'out.mp4');
  t.is(
    line.description,
    `appsrc name=kindpipe_src format=time is-live=false block=true max-bytes=691200 caps="video/x-raw,format=RGB,width=320,height=180,framerate=25/1,pixel-aspect-ratio=1/1" ! videorate ! videoconvert ! x264enc ! mp4mux ! filesink location="/tmp/.out.partial.mp4"`,
  );
});

test('sinkLine should leave locations alone when there are two filesinks', (t) => {
  const line = sinkLine('appsrc ! tee name=t ! queue ! filesink location=a.raw t. ! queue ! filesink location=b.raw', { ...format, writeTo: '/tmp/x' });
  if ('problem' in line) return t.fail(line.problem);
  t.is(line.location, undefined);
  t.false(line.description.includes('/tmp/x'));
});

test('sinkLine should refuse a description that does not start with appsrc, or sets appsrc caps', (t) => {
  t.regex((sinkLine('videotestsrc ! fakesink', format) as { problem: string }).problem, /must start with 'appsrc' \(it starts with 'videotestsrc'\)/);
  t.regex((sinkLine('appsrc caps=video/x-raw ! fakesink', format) as { problem: string }).problem, /sets caps on the appsrc/);
  t.regex((sinkLine('appsrc', format) as { problem: string }).problem, /nothing after appsrc/);
});

test('toFraction and parseFraction should round-trip common rates', (t) => {
  t.is(toFraction(25), '25/1');
  t.is(toFraction(30000 / 1001), '30000/1001');
  t.is(toFraction(12.5), '12500/1000');
  t.is(parseFraction('30000/1001'), 30000 / 1001);
  t.is(parseFraction('0/1'), 0);
});

test('padRows and unpadRows should move odd-width rows to GStreamer’s 4-byte stride and back', (t) => {
  const [w, h] = [5, 3];
  t.is(rgbStride(w), 16);
  const frame = Uint8Array.from({ length: w * h * 3 }, (_, i) => i);
  const padded = padRows(frame, w, h, new Uint8Array(16 * h));
  t.is(padded.length, 48);
  t.deepEqual([...padded.subarray(16, 31)], [...frame.subarray(15, 30)]);
  t.deepEqual([...unpadRows(padded, w, h)], [...frame]);
  const even = new Uint8Array(4 * 2 * 3);
  t.is(padRows(even, 4, 2, new Uint8Array(0)), even, 'no copy when rows need no padding');
});
