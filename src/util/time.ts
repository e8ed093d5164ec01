/** Unix time in whole seconds (the protocol's `createdAt`, `startedAt`, ...). */
export function nowSeconds(): number {
  return Math.floor(Date.now() / 1000);
}
