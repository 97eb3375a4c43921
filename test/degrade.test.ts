import test from 'ava';
import { execFile, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { projectRoot } from '../models/paths.js';
import { requiring } from './requiring.js';

/**
 * The synthetic night degradation (models/kind/train/degrade.py) that every training pair and the
 * quality benchmark are made with, checked by the statistics of what it outputs: seeded runs on a
 * flat grey photo (exposure, colour cast, noise) and on a grey ramp (light sources).
 */
const python = '/usr/bin/python3';
const trainDir = join(projectRoot, 'models', 'kind', 'train');
const missing = spawnSync(python, ['-c', 'import numpy, PIL'], { stdio: 'ignore' }).status !== 0;

interface Flat {
  severity: 'mild' | 'severe';
  exposure: number;
  wb: number[];
  /** Mean linear light per channel of the dark frame. */
  mean: number[];
  varG: number;
  predictedVarG: number;
}
interface Lit {
  plainStretchedMean: number;
  litStretchedMean: number;
  litWhite: number;
  normalWhite: number;
  lights: number;
  normalFarFromLights: number;
}
interface Neutral {
  wb: number[];
  mean: number[];
  otherDrawsAsDefault: boolean;
}
interface Stats {
  photoLinear: number;
  neutral: Neutral[];
  flat: Flat[];
  deterministic: boolean;
  seedMatters: boolean;
  pairs: Lit[];
}

const script = `
import json, sys
sys.path.insert(0, ${JSON.stringify(trainDir)})
import numpy as np
from degrade import degrade, night_pair, srgb_to_linear
grey = np.full((96, 128, 3), 180, np.uint8)
ramp = np.tile(np.linspace(40, 220, 128).astype(np.uint8)[None, :, None], (96, 1, 3))
out = {'photoLinear': float(srgb_to_linear(180 / 255)), 'flat': [], 'pairs': []}
for severity in ('mild', 'severe'):
    for seed in range(16):
        low, p = degrade(grey, np.random.default_rng([seed]), severity)
        lin = srgb_to_linear(low.astype(float) / 255)
        mean = lin.reshape(-1, 3).mean(0)
        photons = p['photons_full_scale'] * p['channel_sensitivity'][1]
        out['flat'].append({'severity': severity, 'exposure': p['exposure'], 'wb': p['wb_gains'], 'mean': mean.tolist(),
                            'varG': float(lin[..., 1].var()), 'predictedVarG': float(mean[1] / photons + p['read_noise'] ** 2)})
out['neutral'] = []
for seed in range(16):
    low, p = degrade(grey, np.random.default_rng([seed]), 'mild', neutral_wb=True)
    _, default = degrade(grey, np.random.default_rng([seed]), 'mild')
    mean = srgb_to_linear(low.astype(float) / 255).reshape(-1, 3).mean(0)
    same = all(p[k] == default[k] for k in p if k != 'wb_gains')
    out['neutral'].append({'wb': p['wb_gains'], 'mean': mean.tolist(), 'otherDrawsAsDefault': same})
first, again = (degrade(grey, np.random.default_rng([3]), 'mild')[0] for _ in range(2))
out['deterministic'] = bool((first == again).all())
out['seedMatters'] = bool((first != degrade(grey, np.random.default_rng([4]), 'mild')[0]).any())
stretch = lambda x: (x - x.min()) / max(x.max() - x.min(), 1)
for seed in range(8):
    plain, _ = degrade(ramp, np.random.default_rng([seed]), 'severe')
    normal, lit, p = night_pair(ramp, np.random.default_rng([seed]), 'severe')
    yy, xx = np.mgrid[0:96, 0:128]
    far = np.ones((96, 128), bool)
    for lamp in p['lights']:
        far &= (yy - lamp['y']) ** 2 + (xx - lamp['x']) ** 2 > (lamp['radius'] * lamp['glow_radius'] * 4) ** 2
    out['pairs'].append({'plainStretchedMean': float(stretch(plain.astype(float)).mean()),
                         'litStretchedMean': float(stretch(lit.astype(float)).mean()),
                         'litWhite': int((lit.min(axis=2) >= 235).sum()), 'normalWhite': int((normal.min(axis=2) >= 250).sum()),
                         'lights': len(p['lights']),
                         'normalFarFromLights': float(np.abs(normal.astype(int) - ramp.astype(int))[far].max()) if far.any() else 0.0})
print(json.dumps(out))
`;

let stats: Promise<Stats> | undefined;
/** One Python run shared by the tests (~2 s). */
function degradeStats(): Promise<Stats> {
  stats ??= promisify(execFile)(python, ['-c', script], { maxBuffer: 1 << 24 }).then(({ stdout }) => JSON.parse(stdout) as Stats);
  return stats;
}

const check = requiring(!missing, `${python} cannot import numpy and PIL`, 'apt-get install python3-numpy python3-pil');

check('degrade darkens linear light to the severity exposure: 10–30 % mild, 2–8 % severe', async (t) => {
  const { flat, photoLinear } = await degradeStats();
  for (const f of flat) {
    const [lo, hi] = f.severity === 'mild' ? [0.1, 0.3] : [0.02, 0.08];
    t.true(f.exposure >= lo && f.exposure <= hi, `drawn exposure ${f.exposure} outside ${lo}–${hi}`);
    // Green has gain 1: its mean is the exposure times the photo. 8-bit sRGB quantisation crushes
    // the darkest tones (measured: within 6 % mild, down to −17 % severe), never brightens much.
    const measured = f.mean[1] / photoLinear / f.exposure;
    const [below, above] = f.severity === 'mild' ? [0.92, 1.04] : [0.78, 1.04];
    t.true(measured > below && measured < above, `${f.severity}: green at ${measured.toFixed(3)} × the drawn exposure ${f.exposure.toFixed(4)}`);
  }
  const mean = (s: string) => flat.filter((f) => f.severity === s).reduce((a, f) => a + f.mean[1], 0) / 16;
  t.true(mean('severe') < mean('mild') / 2.5, 'severe frames are far darker than mild ones');
});

check('degrade casts colour as street light does: red and blue follow the drawn white-balance gains', async (t) => {
  const { flat } = await degradeStats();
  for (const f of flat.filter((x) => x.severity === 'mild')) {
    t.true(Math.abs(f.mean[0] / f.mean[1] / f.wb[0] - 1) < 0.12, `R/G ${(f.mean[0] / f.mean[1]).toFixed(3)} for gain ${f.wb[0].toFixed(3)}`);
    t.true(Math.abs(f.mean[2] / f.mean[1] / f.wb[2] - 1) < 0.12, `B/G ${(f.mean[2] / f.mean[1]).toFixed(3)} for gain ${f.wb[2].toFixed(3)}`);
  }
  const warm = flat.filter((f) => f.mean[0] > f.mean[2]).length;
  t.true(warm >= 28, `mostly warm (sodium): ${warm} of 32 frames redder than blue`);
});

check('degrade with neutral_wb draws red and blue gains around neutral (1/1.15–1.15) and keeps every other draw', async (t) => {
  const { neutral } = await degradeStats();
  for (const f of neutral) {
    for (const gain of [f.wb[0], f.wb[2]]) t.true(gain >= 1 / 1.15 - 1e-9 && gain <= 1.15 + 1e-9, `gain ${gain}`);
    t.true(Math.abs(f.mean[0] / f.mean[1] / f.wb[0] - 1) < 0.12, `R/G ${(f.mean[0] / f.mean[1]).toFixed(3)} for gain ${f.wb[0].toFixed(3)}`);
    t.true(f.otherDrawsAsDefault, 'exposure, noise, blur and JPEG quality are the default call\'s');
  }
  const warm = neutral.filter((f) => f.mean[0] > f.mean[2]).length;
  t.true(warm >= 3 && warm <= 13, `as many cool frames as warm ones: ${warm} of 16 redder than blue`);
});

check('degrade adds Poisson–Gaussian noise: the measured variance follows signal / photons + read²', async (t) => {
  const { flat } = await degradeStats();
  // JPEG removes most of the noise on a flat patch (measured: 10–55 % of the variance is left),
  // so: rank agreement across frames, and never more noise than the sensor model makes.
  const rank = (values: number[]) => values.map((v) => values.filter((w) => w < v).length);
  const measured = rank(flat.map((f) => f.varG));
  const predicted = rank(flat.map((f) => f.predictedVarG));
  const n = flat.length;
  const d2 = measured.reduce((a, m, i) => a + (m - predicted[i]) ** 2, 0);
  const spearman = 1 - (6 * d2) / (n * (n * n - 1));
  t.log(`Spearman rank correlation, measured vs predicted noise variance over ${n} frames: ${spearman.toFixed(3)}`);
  t.true(spearman > 0.8, `noise does not follow the model: ${spearman}`);
  for (const f of flat) t.true(f.varG > f.predictedVarG / 20 && f.varG < f.predictedVarG * 1.2, `variance ${f.varG.toExponential(2)}, model ${f.predictedVarG.toExponential(2)}`);
});

check('degrade is deterministic for a seed and changes with it', async (t) => {
  const s = await degradeStats();
  t.true(s.deterministic);
  t.true(s.seedMatters);
});

check('night_pair: lights stay white in the dark frame, so the min-max stretch leaves it dark; the photo is untouched away from them', async (t) => {
  const { pairs } = await degradeStats();
  for (const p of pairs) {
    t.true(p.lights >= 1 && p.lights <= 4);
    t.true(p.litWhite > 0, 'a lamp core is white in the dark frame');
    t.true(p.normalWhite >= p.litWhite, 'and blown out in the well-exposed photo');
    t.true(p.litStretchedMean < p.plainStretchedMean * 0.6, `stretched mean with lights ${p.litStretchedMean.toFixed(3)}, without ${p.plainStretchedMean.toFixed(3)}`);
    t.true(p.normalFarFromLights <= 3, `the photo changed by ${p.normalFarFromLights} far from the lights`);
  }
});

const cameraScript = `
import json, sys
sys.path.insert(0, ${JSON.stringify(trainDir)})
import numpy as np
from degrade import degrade
rng = np.random.default_rng(3)
photo = (rng.random((61, 83, 3)) * 120 + 40).astype(np.uint8)   # odd size, coloured texture
out = []
for seed in range(6):
    plain, p = degrade(photo, np.random.default_rng([seed]), 'severe')
    cam, q = degrade(photo, np.random.default_rng([seed]), 'severe', camera=True)
    again, _ = degrade(photo, np.random.default_rng([seed]), 'severe', camera=True)
    def chroma_2x2(img):  # spread of (R - G) inside 2x2 cells: 4:2:0 chroma shares one value per cell
        d = img[:60, :82].astype(float)[..., 0] - img[:60, :82].astype(float)[..., 1]
        return float(d.reshape(30, 2, 41, 2).std(axis=(1, 3)).mean())
    out.append({'sameDraws': all(q[k] == v for k, v in p.items()), 'offset': q['black_offset'], 'crf': q['h264_crf'],
                'shape': list(cam.shape), 'deterministic': bool((cam == again).all()),
                'floor': [float(np.percentile(x.mean(2), 1)) for x in (plain, cam)],
                'chroma': [chroma_2x2(x) for x in (plain, cam)]})
print(json.dumps(out))
`;

check('issue #20: degrade camera=True lifts the blacks and codes the frame as low-bitrate H.264 4:2:0, after the default draws', async (t) => {
  const runs = JSON.parse((await promisify(execFile)(python, ['-c', cameraScript], { maxBuffer: 1 << 24 })).stdout) as {
    sameDraws: boolean;
    offset: number[];
    crf: number;
    shape: number[];
    deterministic: boolean;
    floor: [number, number];
    chroma: [number, number];
  }[];
  for (const r of runs) {
    t.true(r.sameDraws, 'exposure, white balance, noise, blur and JPEG quality are the default call\'s');
    for (const o of r.offset) t.true(o >= 0.0002 * 0.7 - 1e-12 && o <= 0.003 * 1.3 + 1e-12, `black offset ${o}`);
    t.true(r.crf >= 28 && r.crf <= 44, `CRF ${r.crf}`);
    t.deepEqual(r.shape, [61, 83, 3], 'odd sizes come back at their size');
    t.true(r.deterministic);
    t.true(r.floor[1] > r.floor[0], `1st luma percentile ${r.floor[1]} with the offset, ${r.floor[0]} without`);
    t.true(r.chroma[1] < r.chroma[0] * 0.6, `chroma spread inside 2×2 cells ${r.chroma[1].toFixed(2)} (H.264 4:2:0) vs ${r.chroma[0].toFixed(2)} (JPEG)`);
  }
});
