import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ApiException } from './api-error.filter';

/** A path parameter that must be a UUID; anything else is a VALIDATION_FAILED answer. */
export const UuidParam = (name: string) =>
  Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new ApiException('VALIDATION_FAILED', `${name} must be a UUID.`, { fields: [{ field: name }] }),
    }),
  );
