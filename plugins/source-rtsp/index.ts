import { ContainerModule } from 'inversify';
import { PluginContribution } from '../../core/tokens.js';
import { sourceRtsp } from './source-rtsp.js';

/** Binds this folder's plugins; holds no logic. */
export const module = new ContainerModule(({ bind }) => {
  bind(PluginContribution).toConstantValue(sourceRtsp);
});
