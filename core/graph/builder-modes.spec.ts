import test from 'ava';
import { KindPipeError } from '../errors.js';
import { resolveOptions } from '../options.js';
import { defineSink, defineSource, defineStage } from '../stage/plugin.js';
import { buildGraph } from './builder.js';
import type { GraphSpec } from './spec.js';

const source = defineSource({
  role: 'source', id: 's', description: '', options: {}, example: '', create: () => { throw new Error('not opened'); },
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
});
/** A stage shaped like kind.illumination: `ratio` for mode ratio, `target` for auto, `smoothing` for both adaptive modes. */
const brighten = defineStage({
  role: 'stage', id: 'b', description: '', example: '',
  options: {
    mode: { type: 'string', description: '', default: 'ratio', enum: ['ratio', 'auto', 'learned'] },
    ratio: { type: 'number', description: '', default: 2, when: { mode: ['ratio'] } },
    target: { type: 'number', description: '', default: 0.5, when: { mode: ['auto'] } },
    smoothing: { type: 'number', description: '', default: 0.9, when: { mode: ['auto', 'learned'] } },
    gain: { type: 'number', description: '', default: 1 },
  },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
  outputs: [{ name: 'video', produces: { kind: 'video' }, description: '' }],
  negotiate: (inputs) => inputs,
  create(ctx) {
    const o = ctx.options;
    if (o.mode === 'ratio') {
      const ratio: number = o.ratio;
      // @ts-expect-error a number option is a number, not a string
      const text: string = o.ratio;
      // @ts-expect-error target belongs to mode: auto, so a ratio-mode node has none
      void o.target;
      void [ratio, text];
    } else {
      const smoothing: number = o.smoothing;
      void smoothing;
    }
    // @ts-expect-error before narrowing on the mode, `ratio` may not be there
    void o.ratio;
    const gain: number = o.gain;
    void gain;
    throw new Error('not opened');
  },
});
const sink = defineSink({
  role: 'sink', id: 'k', description: '', options: {}, example: '', create: () => { throw new Error('not opened'); },
  inputs: [{ name: 'video', accepts: { kind: 'video' }, description: '' }],
});
const plugins = new Map([source, brighten, sink].map((p) => [p.id, p]));
const services = { get: <T>(): T => undefined as T };

/** A graph s → b → k, `options` on b; the option names in `set` came from `--set b.NAME` (as the loader locates them). */
function graph(options: Record<string, unknown>, set: string[] = []): GraphSpec {
  return {
    file: 'g.yaml',
    queueSize: 2,
    nodes: [
      { id: 'in', plugin: 's', inputs: {}, options: {} },
      { id: 'b', plugin: 'b', inputs: { video: 'in' }, options },
      { id: 'out', plugin: 'k', inputs: { video: 'b' }, options: {} },
    ],
    locate: (path) => (path[3] !== undefined && set.includes(String(path[3])) ? `--set b.${path[3]}` : `g.yaml@${path.join('/')}`),
  };
}

function problems(spec: GraphSpec): string {
  const error = (() => {
    try {
      buildGraph(spec, plugins, services);
    } catch (caught) {
      return caught;
    }
    return undefined;
  })();
  if (error === undefined) return '';
  if (!KindPipeError.is(error, 'config')) throw error;
  return error.message;
}

test('buildGraph when an option is written for another mode should name it, the mode and the fix at its location (#21)', (t) => {
  t.regex(
    problems(graph({ mode: 'ratio', target: 0.4 })),
    /g\.yaml@nodes\/1\/options\/target: node 'b' \(b\): option 'target' applies to mode: auto; this node has mode: ratio\. Fix: remove it or set mode: auto/,
  );
  t.regex(problems(graph({ mode: 'ratio', smoothing: 0 })), /option 'smoothing' applies to mode: auto or learned; this node has mode: ratio\. Fix: remove it or set mode: auto/);
});

test('buildGraph when the mode is left to its default should say so in the problem (#21)', (t) => {
  t.regex(problems(graph({ target: 0.4 })), /option 'target' applies to mode: auto; this node has mode: ratio \(the default\)/);
});

test('buildGraph should not count the defaults of options for other modes, nor options for the node\'s own mode (#21)', (t) => {
  t.is(problems(graph({})), '');
  t.is(problems(graph({ mode: 'auto', target: 0.4, smoothing: 0.5, gain: 2 })), '');
  t.is(problems(graph({ mode: 'ratio', ratio: 3 })), '');
  t.is(problems(graph({ mode: 'learned', smoothing: '0.5' }, ['smoothing'])), '');
});

test('buildGraph when --set sets an option for another mode should point at the --set (#21)', (t) => {
  t.regex(problems(graph({ mode: 'auto', ratio: '3' }, ['ratio'])), /--set b\.ratio: node 'b' \(b\): option 'ratio' applies to mode: ratio; this node has mode: auto/);
});

test('buildGraph when --set switches the mode should let the file\'s options for its own mode fall away (#21)', (t) => {
  // The file is written for mode: ratio; one run asks for auto without editing it.
  t.is(problems(graph({ mode: 'auto', ratio: 3 }, ['mode'])), '');
  // What the same --set run adds must fit the mode it chose.
  t.regex(problems(graph({ mode: 'auto', ratio: '3' }, ['mode', 'ratio'])), /--set b\.ratio: .*option 'ratio' applies to mode: ratio; this node has mode: auto/);
});

test('resolveOptions should hand plugins real numbers and booleans from --set strings, so their code needs no casts (#21)', (t) => {
  const schema = { n: { type: 'number', description: '' }, i: { type: 'integer', description: '' }, on: { type: 'boolean', description: '' }, name: { type: 'string', description: '' } } as const;
  const { options, problems: found } = resolveOptions(schema, { n: '0.25', i: '8', on: 'false', name: 12 });
  t.deepEqual(found, []);
  t.deepEqual(options, { n: 0.25, i: 8, on: false, name: '12' });
});
