/** The `add` function of definition.json: `slipway workflows run-local … --function add=add.ts`. */
export const handler = (event: { a: number; b: number }) => ({ sum: event.a + event.b });
