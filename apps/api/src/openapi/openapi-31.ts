import type { OpenAPIObject } from '@nestjs/swagger';

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * `nullable: true` (OpenAPI 3.0, what @nestjs/swagger emits) in JSON Schema 2020-12 terms: null
 * joins the type list (and the enum), or a referenced/composed schema becomes `anyOf [it, null]`.
 */
function withoutNullable(schema: Json): Json {
  const { nullable, ...rest } = schema;
  if (nullable !== true) return rest;
  if (typeof rest.type === 'string') {
    const enumValues = Array.isArray(rest.enum) ? { enum: [...(rest.enum as unknown[]), null] } : {};
    return { ...rest, type: [rest.type, 'null'], ...enumValues };
  }
  const { description, example, ...inner } = rest;
  return {
    ...(description !== undefined ? { description } : {}),
    ...(example !== undefined ? { example } : {}),
    anyOf: [inner.type === 'object' && inner.allOf ? { allOf: inner.allOf } : inner, { type: 'null' }],
  };
}

function convert(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(convert);
  if (!isObject(node)) return node;
  const converted: Json = {};
  for (const [key, value] of Object.entries(node)) converted[key] = convert(value);
  return 'nullable' in converted ? withoutNullable(converted) : converted;
}

/** The generated document as valid OpenAPI 3.1 (the generator writes 3.0 schema idioms). */
export function toOpenApi31(document: OpenAPIObject): OpenAPIObject {
  const converted = convert(document) as OpenAPIObject;
  converted.openapi = '3.1.0';
  return converted;
}
