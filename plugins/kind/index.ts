import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { kindDecom } from './decom.js';
import { kindFuse } from './fuse.js';
import { kindIllumination } from './illumination.js';
import { kindRestore } from './restore.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  for (const plugin of [kindDecom, kindRestore, kindIllumination, kindFuse]) bind(PluginContribution).toConstantValue(plugin);
});
