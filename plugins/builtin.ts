import { module as fastEnhance } from './fast-enhance/index.js';
import { module as ffmpegFilter } from './ffmpeg-filter/index.js';
import { module as gstApp } from './gst-app/index.js';
import { module as kind } from './kind/index.js';
import { module as kindRegions } from './kind-regions/index.js';
import { module as modelImage } from './model-image/index.js';
import { module as monoGuard } from './mono-guard/index.js';
import { module as normalize } from './normalize/index.js';
import { module as sinkFile } from './sink-file/index.js';
import { module as sinkImages } from './sink-images/index.js';
import { module as sinkPreview } from './sink-preview/index.js';
import { module as sinkY4m } from './sink-y4m/index.js';
import { module as sourceFile } from './source-file/index.js';
import { module as sourceImages } from './source-images/index.js';
import { module as sourceRtsp } from './source-rtsp/index.js';
import { module as sourceY4m } from './source-y4m/index.js';
import { module as temporalDenoise } from './temporal-denoise/index.js';

/** Folders of the built-in plugins, each with a package.json `kindPipe` manifest. */
export const builtinPluginFolders = ['source-file', 'source-images', 'source-y4m', 'source-rtsp', 'temporal-denoise', 'normalize', 'kind', 'kind-regions', 'model-image', 'fast-enhance', 'mono-guard', 'ffmpeg-filter', 'sink-file', 'sink-images', 'sink-preview', 'sink-y4m', 'gst-app'] as const;

export const builtinModules = [sourceFile, sourceImages, sourceY4m, sourceRtsp, temporalDenoise, normalize, kind, kindRegions, modelImage, fastEnhance, monoGuard, ffmpegFilter, sinkFile, sinkImages, sinkPreview, sinkY4m, gstApp];
