import type { NextFunction, Request, Response } from 'express';

/** Routes whose JSON body is a run's input: a run start and a checkpoint decision. */
export const RUN_INPUT_ROUTES = ['/v1/workflows/:name/runs', '/v1/runs/:id/checkpoints/:step'];

/**
 * `CHAINMAIL_MAX_INPUT_BYTES` for run inputs sent over REST (the JSON parser admits up to the
 * definition limit, which may be larger). Past it: the body parser's own 413, in the error format.
 */
export function limitRunInputs(limit: number) {
  return (req: Request & { rawBody?: Buffer }, _res: Response, next: NextFunction): void => {
    const bytes = req.rawBody?.length ?? Number(req.headers['content-length'] ?? 0);
    if (req.method === 'POST' && bytes > limit) {
      next(
        Object.assign(new Error('request entity too large'), {
          status: 413,
          type: 'entity.too.large',
          limit,
        }),
      );
      return;
    }
    next();
  };
}
