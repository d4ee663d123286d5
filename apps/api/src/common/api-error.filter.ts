import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { DomainError, ErrorCode, isUpstreamError, UpstreamError } from '@app/domain';
import { databaseUnavailable } from '@app/persistence';
import { ERROR_STATUS, HTTP_STATUS_CODE, RETRY_AFTER_SECONDS } from './error-status.table';

export interface ApiErrorBody {
  statusCode: number;
  code: string;
  message: string;
  requestId: string;
  details?: unknown;
}

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * The request id pino-http assigned; errors raised before it ran (body parsing) get one here, so
 * every error answer carries an id that can be found in the logs.
 */
function requestIdOf(request: Request & { id?: string | number }, response: Response): string {
  if (request.id !== undefined && request.id !== '') return String(request.id);
  const incoming = request.headers['x-request-id'];
  const id = typeof incoming === 'string' && SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
  request.id = id;
  if (!response.headersSent) response.setHeader('x-request-id', id);
  return id;
}

/** Carries a stable code through Nest's HttpException machinery (guards, pipes). */
export class ApiException extends HttpException {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message, ERROR_STATUS[code]);
  }
}

/**
 * The only place errors become responses: `{ statusCode, code, message, requestId, details? }`.
 * Anything unexpected answers 500 with an error id that is also in the log, and nothing else.
 */
@Catch()
export class ApiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiErrorFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const request = http.getRequest<Request & { id?: string | number }>();
    const response = http.getResponse<Response>();
    const requestId = requestIdOf(request, response);
    const upstream = isUpstreamError(exception) ? exception : databaseUnavailable(exception);
    const body = upstream ? this.upstreamBody(upstream, requestId) : this.toBody(exception, requestId);
    if (upstream?.retryable && !response.headersSent) {
      // Retryable: Xaman redelivers a webhook, a client retries after this many seconds.
      response.setHeader('Retry-After', String(RETRY_AFTER_SECONDS));
      this.logger.warn(
        { code: upstream.code, err: upstream.cause ?? upstream, requestId },
        'upstream unavailable',
      );
    } else if (body.statusCode >= 500) {
      this.logger.error({ err: exception, errorId: body.details, requestId }, 'unhandled error');
    }
    if (!response.headersSent) response.status(body.statusCode).json(body);
  }

  private upstreamBody(error: UpstreamError, requestId: string): ApiErrorBody {
    const statusCode = error.retryable ? HttpStatus.SERVICE_UNAVAILABLE : ERROR_STATUS[error.code];
    const messages: Record<UpstreamError['service'], string> = {
      database: 'The database is unavailable; retry later.',
      xrpl: 'The XRPL server is unavailable; retry later.',
      xaman: error.retryable
        ? 'Xaman is unavailable; retry later.'
        : `Xaman refused the request: ${error.message}`,
    };
    return { statusCode, code: error.code, message: messages[error.service], requestId };
  }

  private toBody(exception: unknown, requestId: string): ApiErrorBody {
    if (exception instanceof DomainError) {
      return {
        statusCode: ERROR_STATUS[exception.code],
        code: exception.code,
        message: exception.message,
        requestId,
        ...(exception.details ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof ApiException) {
      return {
        statusCode: exception.getStatus(),
        code: exception.code,
        message: exception.message,
        requestId,
        ...(exception.details !== undefined ? { details: exception.details } : {}),
      };
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const payload = exception.getResponse();
      const message =
        typeof payload === 'object' && payload !== null && 'message' in payload
          ? String(payload.message)
          : exception.message;
      const bodyParserType = (exception.cause as { type?: string } | undefined)?.type;
      let code = HTTP_STATUS_CODE[status] ?? `HTTP_${status}`;
      if (status === 400 && /JSON/i.test(message)) code = 'MALFORMED_JSON';
      if (bodyParserType === 'entity.too.large') code = 'PAYLOAD_TOO_LARGE';
      return { statusCode: status, code, message, requestId };
    }
    // body-parser errors arrive as plain errors with a status
    const parserError = exception as { status?: number; type?: string; message?: string };
    if (typeof parserError?.status === 'number' && parserError.status >= 400 && parserError.status < 500) {
      const code =
        parserError.type === 'entity.parse.failed'
          ? 'MALFORMED_JSON'
          : parserError.type === 'entity.too.large'
            ? 'PAYLOAD_TOO_LARGE'
            : (HTTP_STATUS_CODE[parserError.status] ?? `HTTP_${parserError.status}`);
      const message =
        code === 'MALFORMED_JSON'
          ? 'The request body is not valid JSON.'
          : (parserError.message ?? 'Bad request');
      return { statusCode: parserError.status, code, message, requestId };
    }
    const errorId = randomUUID();
    return {
      statusCode: 500,
      code: 'INTERNAL_ERROR',
      message: `Internal error; quote error id ${errorId} when reporting it.`,
      requestId,
      details: { errorId },
    };
  }
}
