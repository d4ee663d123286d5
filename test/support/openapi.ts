import { spawn } from 'node:child_process';
import Ajv2020, { ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { INestApplication, RequestMethod } from '@nestjs/common';
import { METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { ModulesContainer } from '@nestjs/core';

/** The served /openapi.json. */
export async function fetchOpenApi(baseUrl: string): Promise<OpenApiDocument> {
  const response = await fetch(`${baseUrl}/openapi.json`);
  if (response.status !== 200) throw new Error(`/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

export interface OpenApiDocument {
  openapi: string;
  paths: Record<
    string,
    Record<string, { responses: Record<string, any>; security?: unknown[] } & Record<string, any>>
  >;
  components: { schemas: Record<string, any>; securitySchemes?: Record<string, any> };
}

/**
 * A copy where every named schema refuses properties it does not list: the document stays open
 * for clients, but a test catches an answer that grew a field the document does not describe.
 */
function strictCopy(document: OpenApiDocument): OpenApiDocument {
  const copy = JSON.parse(JSON.stringify(document)) as OpenApiDocument;
  for (const schema of Object.values(copy.components.schemas)) {
    if (schema.type === 'object' && schema.properties && schema.additionalProperties === undefined) {
      schema.additionalProperties = false;
    }
  }
  return copy;
}

const validators = new WeakMap<OpenApiDocument, { ajv: Ajv2020; cache: Map<string, ValidateFunction> }>();

function validatorsFor(document: OpenApiDocument) {
  let entry = validators.get(document);
  if (!entry) {
    // OpenAPI 3.1 schemas are JSON Schema 2020-12; `example` and `x-*` are annotations.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    ajv.addSchema({ ...strictCopy(document), $id: 'openapi.json' });
    entry = { ajv, cache: new Map() };
    validators.set(document, entry);
  }
  return entry;
}

const pointer = (...parts: string[]) =>
  parts.map((p) => p.replace(/~/g, '~0').replace(/\//g, '~1')).join('/');

/** The documented path template an actual path matches (`/v1/proposals/abc` → `/v1/proposals/{id}`). */
export function templateOf(document: OpenApiDocument, actualPath: string): string | undefined {
  const path = actualPath.split('?')[0]!;
  return Object.keys(document.paths).find((template) =>
    new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`).test(path),
  );
}

/**
 * Asserts that an answer is documented: the route and method, the status among its responses, and
 * the JSON body valid against that response's schema (strictly: no undocumented fields).
 */
export function expectMatchesOpenApi(
  document: OpenApiDocument,
  method: string,
  actualPath: string,
  status: number,
  body: unknown,
): void {
  const template = templateOf(document, actualPath);
  if (!template) throw new Error(`${actualPath} is not in the OpenAPI document`);
  const operation = document.paths[template]![method.toLowerCase()];
  if (!operation) throw new Error(`${method} ${template} is not in the OpenAPI document`);
  const response = operation.responses[String(status)];
  if (!response) {
    throw new Error(
      `${method} ${template} answered ${status}, which the document does not list (${Object.keys(operation.responses).join(', ')})`,
    );
  }
  const { ajv, cache } = validatorsFor(document);
  const ref = `openapi.json#/${pointer('paths', template, method.toLowerCase(), 'responses', String(status), 'content', 'application/json', 'schema')}`;
  let validate = cache.get(ref);
  if (!validate) {
    validate = ajv.compile({ $ref: ref });
    cache.set(ref, validate);
  }
  if (!validate(body)) {
    throw new Error(
      `${method} ${actualPath} ${status}: the body does not match the document:\n${ajv.errorsText(validate.errors, { separator: '\n' })}\n${JSON.stringify(body, null, 1).slice(0, 2000)}`,
    );
  }
}

/** Every route Nest registered on the app's controllers, as `METHOD /path/{param}`. */
export function registeredRoutes(app: INestApplication): string[] {
  const routes: string[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as (new (...args: never[]) => unknown) | null;
      if (!controller) continue;
      const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '');
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (typeof handler !== 'function' || name === 'constructor') continue;
        const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
        const path = Reflect.getMetadata(PATH_METADATA, handler) as string | undefined;
        if (method === undefined || path === undefined) continue;
        const full = `/${[base, path]
          .map((p) => p.replace(/^\/+|\/+$/g, ''))
          .filter(Boolean)
          .join('/')}`;
        routes.push(`${RequestMethod[method]} ${full.replace(/:(\w+)/g, '{$1}')}`);
      }
    }
  }
  return routes.sort();
}

/** Every operation the document lists, as `METHOD /path/{param}`. */
export function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, item]) => Object.keys(item).map((method) => `${method.toUpperCase()} ${path}`))
    .sort();
}

/**
 * Validates a document with @apidevtools/swagger-parser (OpenAPI 3.1 aware). It runs in a child
 * node: its dependency json-schema-ref-parser is an ES module, which jest's CommonJS runtime cannot
 * require. Resolves with the version it validated; rejects with the parser's message.
 */
export function validateWithSwaggerParser(document: OpenApiDocument): Promise<string> {
  const script = `
    let input = '';
    process.stdin.on('data', (chunk) => (input += chunk));
    process.stdin.on('end', () => {
      require('@apidevtools/swagger-parser')
        .validate(JSON.parse(input))
        .then((api) => process.stdout.write(String(api.openapi)))
        .catch((error) => { process.stderr.write(String(error.message)); process.exit(1); });
    });`;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['-e', script], { cwd: process.cwd() });
    let out = '';
    let err = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
    child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(err || `exit ${code}`))));
    child.stdin.end(JSON.stringify(document));
  });
}
