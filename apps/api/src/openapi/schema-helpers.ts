/**
 * Compile-time check that a list names every member of a union, once each way: the OpenAPI enums
 * of the response classes are built from the domain's types, so a new state or reason fails to
 * compile until it is documented.
 */
export function everyMember<T extends string>() {
  return <const L extends readonly T[]>(list: L & ([T] extends [L[number]] ? unknown : never)): L => list;
}

/** `type: string, format: date-time`: how a Date reaches JSON. */
export const DATE_TIME = { type: String, format: 'date-time' } as const;
