/** A construct id from a name of the service: `pinRequests` → `PinRequests`, `letter-batch` → `LetterBatch`. */
export function constructId(name: string): string {
  return name.replace(/(^|-)([a-z])/g, (_match, _dash: string, letter: string) => letter.toUpperCase());
}
