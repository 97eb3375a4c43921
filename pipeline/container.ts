import { Container } from 'inversify';
import { modelsModule } from '../models/module.js';
import { builtinModules } from '../plugins/builtin.js';

/** The application container: models plus every built-in plugin. */
export function createContainer(): Container {
  const container = new Container();
  container.load(modelsModule, ...builtinModules);
  return container;
}
