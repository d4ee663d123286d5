import { ArgumentMetadata, ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiException } from './api-error.filter';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

const MAX_DEPTH = 32;

/**
 * What no field may contain, checked without recursion before anything else walks the input:
 * nesting deeper than MAX_DEPTH (class-transformer would overflow the stack) and the NUL character
 * (PostgreSQL text and jsonb refuse it).
 */
function unsafeInput(value: unknown): string | null {
  const stack: { node: unknown; depth: number }[] = [{ node: value, depth: 0 }];
  while (stack.length > 0) {
    const { node, depth } = stack.pop()!;
    if (typeof node === 'string') {
      if (node.includes('\u0000')) return 'a string contains the NUL character';
    } else if (node !== null && typeof node === 'object') {
      if (depth >= MAX_DEPTH) return `nesting deeper than ${MAX_DEPTH} levels`;
      for (const [key, child] of Object.entries(node)) {
        if (key.includes('\u0000')) return 'a key contains the NUL character';
        stack.push({ node: child, depth: depth + 1 });
      }
    }
  }
  return null;
}

class SafeValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const problem = unsafeInput(value);
    if (problem) {
      throw new ApiException('VALIDATION_FAILED', `Invalid request: ${problem}.`, {
        fields: [{ field: metadata.type, problems: [problem] }],
      });
    }
    return super.transform(value, metadata);
  }
}

/** Global pipe: unknown fields are refused, types are converted, and the answer names each field. */
export function createValidationPipe(): ValidationPipe {
  return new SafeValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    exceptionFactory: (errors) => {
      const fields = flatten(errors);
      return new ApiException(
        'VALIDATION_FAILED',
        `Invalid request: ${fields.map((f) => `${f.field} (${f.problems.join('; ')})`).join(', ')}`,
        { fields },
      );
    },
  });
}
