// The prose of a JSON answer: its string values, in document order. Keys, numbers and flags are
// the schema's ("confidence": 0.84 is no claim about the context); the strings are where the model
// states what it read, so the grounding screen reads them as it reads a prose answer. Walked with
// an explicit stack (an answer can nest deeper than the call stack), up to maxChars.
export function jsonProse(value: unknown, maxChars: number): string {
  const parts: string[] = [];
  let chars = 0;
  const stack: unknown[] = [value];
  while (stack.length > 0 && chars < maxChars) {
    const v = stack.pop();
    if (typeof v === 'string') {
      if (v.trim() === '') continue;
      parts.push(v);
      chars += v.length + 1;
    } else if (typeof v === 'object' && v !== null) {
      const children = Array.isArray(v) ? v : Object.values(v);
      for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
    }
  }
  return parts.join('\n').slice(0, maxChars);
}
