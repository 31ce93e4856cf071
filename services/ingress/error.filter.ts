import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import { ChainmailError } from '@chainmail/contracts';
import type { Response } from 'express';

interface ErrorBody {
  error: { code: string; message: string; details?: unknown };
}

const HTTP_CODES: Record<number, string> = {
  400: 'BAD_REQUEST',
  401: 'UNAUTHENTICATED',
  403: 'FORBIDDEN',
  404: 'NOT_FOUND',
  405: 'METHOD_NOT_ALLOWED',
  409: 'CONFLICT',
  413: 'PAYLOAD_TOO_LARGE',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  422: 'UNPROCESSABLE',
  429: 'RATE_LIMITED',
};

/** The one place errors become HTTP: `{ error: { code, message, details } }` with a fitting status. */
@Catch()
export class ErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('ingress');

  catch(exception: unknown, host: ArgumentsHost): void {
    const response = host.switchToHttp().getResponse<Response>();
    const [status, body] = this.toBody(exception);
    if (status >= 500)
      this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : exception);
    if (response.headersSent) {
      response.end();
      return;
    }
    response.status(status).json(body);
  }

  private toBody(exception: unknown): [number, ErrorBody] {
    if (exception instanceof ChainmailError) return [exception.status, { error: exception.toJSON() }];
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const res = exception.getResponse();
      const message =
        typeof res === 'object' && res !== null && 'message' in res
          ? [res.message].flat().join('; ')
          : exception.message;
      return [status, { error: { code: HTTP_CODES[status] ?? 'ERROR', message } }];
    }
    // body-parser's errors carry a status (413 too large, 400 malformed JSON, 415 charset).
    const withStatus = exception as { status?: unknown; type?: unknown; message?: unknown; limit?: unknown };
    if (typeof withStatus.status === 'number' && withStatus.status >= 400 && withStatus.status < 500) {
      const status = withStatus.status;
      const message =
        status === 413
          ? `The request body is larger than the limit of ${String(withStatus.limit)} bytes; send a smaller body or raise the limit in the configuration.`
          : `The request body could not be read: ${String(withStatus.message)}`;
      return [status, { error: { code: HTTP_CODES[status] ?? 'BAD_REQUEST', message } }];
    }
    return [
      500,
      {
        error: {
          code: 'INTERNAL',
          message: 'Something went wrong inside Chainmail; the server log has the details.',
        },
      },
    ];
  }
}
