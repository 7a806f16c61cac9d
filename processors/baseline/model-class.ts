// Which class a model belongs to for the provider comparison (small, large, reasoning, …): the
// first configured class with a pattern that matches the requested model name.
import type { ModelClass } from './config.ts';

export function createModelClassifier(classes: readonly ModelClass[]): (model: string) => string {
  const compiled = classes.map((c) => ({ name: c.class, patterns: c.models.map(globToRegExp) }));
  const cache = new Map<string, string>();
  return (model) => {
    let name = cache.get(model);
    if (name === undefined) {
      const lower = model.toLowerCase();
      name = compiled.find((c) => c.patterns.some((p) => p.test(lower)))?.name ?? 'other';
      if (cache.size < 10_000) cache.set(model, name);
    }
    return name;
  };
}

function globToRegExp(glob: string): RegExp {
  const body = glob
    .toLowerCase()
    .split('*')
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${body}$`);
}
