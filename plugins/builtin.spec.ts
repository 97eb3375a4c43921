import test from 'ava';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Container } from 'inversify';
import { pluginTable } from '../core/plugin-table.js';
import { projectRoot } from '../models/paths.js';
import { builtinModules, builtinPluginFolders } from './builtin.js';

test('each built-in plugin folder declares in its kindPipe manifest exactly the plugins it binds', (t) => {
  const declared: string[] = [];
  for (const folder of builtinPluginFolders) {
    const manifest = JSON.parse(readFileSync(join(projectRoot, 'plugins', folder, 'package.json'), 'utf8'));
    t.is(manifest.type, 'module', `${folder}: an ES module package`);
    const contributes = manifest.kindPipe.contributes as Record<string, string[]>;
    declared.push(...Object.values(contributes).flat());
  }
  const container = new Container();
  container.load(...builtinModules);
  t.deepEqual([...pluginTable(container).keys()].sort(), declared.sort());
});

test('every built-in plugin documents each option with a description and a runnable example', (t) => {
  const container = new Container();
  container.load(...builtinModules);
  for (const plugin of pluginTable(container).values()) {
    t.true(plugin.example.includes(`plugin: ${plugin.id}`), `${plugin.id} example names its plugin`);
    for (const [name, spec] of Object.entries(plugin.options)) t.true(spec.description.length > 3, `${plugin.id}.${name} has a description`);
  }
});
