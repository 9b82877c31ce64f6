import { measureEditDistance } from '../commands/grammar/edit-distance.js';

/**
 * The candidate closest to `word`, if it is close enough to be a likely typo: same letters in another case,
 * or at most a third of the word's length in edits (at least 1, at most 3).
 */
export function suggestClosest(word: string, candidates: readonly string[]): string | undefined {
  const lower = word.toLowerCase();
  const sameCase = candidates.find((c) => c.toLowerCase() === lower);
  if (sameCase) return sameCase;
  const maxDistance = Math.min(3, Math.max(1, Math.floor(word.length / 3)));
  let best: { candidate: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = measureEditDistance(lower, candidate.toLowerCase());
    if (distance <= maxDistance && (!best || distance < best.distance)) best = { candidate, distance };
  }
  return best?.candidate;
}
