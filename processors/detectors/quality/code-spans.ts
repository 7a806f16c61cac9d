// Code and addresses inside an answer: identifiers, not prose. The checks that read prose
// (language identification, entity grounding) blank these out first.

/** A ``` fenced block, or an unclosed one running to the end. */
export const FENCED_BLOCK = /```[\s\S]*?(?:```|$)/g;
export const URL_PATTERN = /https?:\/\/\S+/g;
