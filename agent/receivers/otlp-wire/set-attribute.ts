// Attribute maps are plain objects; a `__proto__` key from the wire must become an own property,
// never the object's prototype.

import type { AttributeValue } from '../../core/model/otlp.ts';

export function setAttribute(target: Record<string, AttributeValue>, key: string, value: AttributeValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    target[key] = value;
  }
}
