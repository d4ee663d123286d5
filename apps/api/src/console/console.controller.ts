import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Controller, Get, Param, Res } from '@nestjs/common';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Response } from 'express';
import { projectRoot } from '@app/database';
import { Public } from '../auth/auth.decorators';

/**
 * Where the bundle is: next to the compiled API (`<outDir>/console`, from `npm run build`), or in
 * dist/console of the project when the API runs from its TypeScript sources (`npm start` and the
 * tests build it there first).
 */
export function consoleAssetsDir(): string {
  return __filename.endsWith('.js')
    ? join(__dirname, '..', '..', '..', '..', 'console')
    : join(projectRoot(__dirname), 'dist', 'console');
}

const ASSETS: Record<string, string> = {
  'index.html': 'text/html; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
  'console.css': 'text/css; charset=utf-8',
};

/** Everything from this origin only: no inline script, no CDN, no framing. */
const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "object-src 'none'",
].join('; ');

/** The web console at /console: static files of the bundle, served by the API process itself. */
@Public()
@ApiTags('console')
@Controller('console')
export class ConsoleController {
  private readonly dir = consoleAssetsDir();

  @Get()
  @ApiOperation({ summary: 'The web console (HTML); sign in with an API key' })
  @ApiOkResponse({ content: { 'text/html': { schema: { type: 'string' } } } })
  index(@Res() res: Response): Promise<void> {
    return this.send('index.html', res);
  }

  @Get(':file')
  @ApiOperation({
    summary: "A file of the console's bundle (script, style sheet); other names answer the console",
  })
  @ApiOkResponse({
    content: {
      'text/javascript': { schema: { type: 'string' } },
      'text/css': { schema: { type: 'string' } },
    },
  })
  asset(@Param('file') file: string, @Res() res: Response): Promise<void> {
    return this.send(ASSETS[file] ? file : 'index.html', res);
  }

  private async send(file: string, res: Response): Promise<void> {
    res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'no-referrer');
    res.setHeader('X-Frame-Options', 'DENY');
    res.setHeader('Cache-Control', 'no-cache');
    let body: Buffer;
    try {
      body = await readFile(join(this.dir, file));
    } catch {
      res.status(503).type('text/plain').send(`The console is not built (${this.dir}): run npm run build.`);
      return;
    }
    res.type(ASSETS[file]!).send(body);
  }
}
