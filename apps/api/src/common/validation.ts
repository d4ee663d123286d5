import { ValidationError, ValidationPipe } from '@nestjs/common';
import { ApiException } from './api-error.filter';

function flatten(errors: ValidationError[], parent = ''): { field: string; problems: string[] }[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, problems: Object.values(error.constraints) }] : [];
    return [...own, ...flatten(error.children ?? [], field)];
  });
}

/** Global pipe: unknown fields are refused, types are converted, and the answer names each field. */
export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe({
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
