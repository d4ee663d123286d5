import { Body, Controller, Delete, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import { IsString, Length } from 'class-validator';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiProperty, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { APP_CONFIG, AppConfig } from '@app/config';
import { Clock, EndSession, StartSession } from '@app/domain';
import { AuthenticatedKey, Public } from '../auth/auth.decorators';
import { clearedSessionCookie, refuseCrossSite, sessionCookie } from '../auth/console-session';
import { CurrentKey } from '../auth/current-key.decorator';
import { actorOf } from '../common/actor';
import { ApiRoute } from '../openapi/api-route.decorator';
import { ApiErrors, BODY_ERRORS } from '../openapi/error.responses';
import { CurrentSessionResponse, SessionStartedResponse, SignedOutResponse } from './session.responses';

export class StartSessionDto {
  /** The API key to sign in with; it is exchanged for the cookie and kept nowhere by the console. */
  @ApiProperty({ description: 'The API key to exchange for a session cookie.', example: 'msc_abcd1234_…' })
  @IsString()
  @Length(1, 200)
  apiKey!: string;
}

type ConsoleRequest = Request & { id?: string | number; consoleSessionId?: string };

const requestIdOf = (req: ConsoleRequest) => (req.id === undefined ? null : String(req.id));

/** Console sign-in and sign-out: an API key exchanged for a session in an HttpOnly cookie. */
@ApiTags('sessions')
@Controller('v1/sessions')
export class SessionsController {
  constructor(
    private readonly starting: StartSession,
    private readonly ending: EndSession,
    private readonly clock: Clock,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Same-origin console requests only (as every cookie request that changes state). */
  @Post()
  @Public()
  @ApiOperation({
    summary: 'Console sign-in: exchange an API key for a session cookie',
    description:
      'Sets `msc_session` (HttpOnly, SameSite=Strict). Same-origin only: the request must carry ' +
      '`X-Requested-With: msc-console` and a same-origin `Origin`/`Sec-Fetch-Site`.',
  })
  @ApiCreatedResponse({ type: SessionStartedResponse })
  @ApiErrors(
    ...BODY_ERRORS,
    'UNAUTHENTICATED',
    'CSRF_REFUSED',
    'RATE_LIMITED',
    'DATABASE_UNAVAILABLE',
    'INTERNAL_ERROR',
  )
  async start(
    @Body() body: StartSessionDto,
    @Req() req: ConsoleRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    refuseCrossSite(req);
    const { secret, session, key } = await this.starting.execute(body.apiKey, requestIdOf(req));
    res.setHeader('Set-Cookie', sessionCookie(secret, session.expiresAt, req.secure, this.clock.now()));
    res.setHeader('Cache-Control', 'no-store');
    return { role: key.role, name: key.name, expiresAt: session.expiresAt };
  }

  /** Who is signed in (the console shows only what this role may do) and on which network. */
  @Get('current')
  @ApiRoute({ summary: 'Who is signed in, with which role, on which network', role: 'viewer' })
  @ApiOkResponse({ type: CurrentSessionResponse })
  current(@CurrentKey() key: AuthenticatedKey, @Req() req: ConsoleRequest) {
    return {
      keyId: key.id,
      name: key.name,
      role: key.role,
      authenticatedBy: req.consoleSessionId ? 'session' : 'api_key',
      network: this.config.xrpl.network,
      sandbox: this.config.sandbox,
    };
  }

  /** Signs out: the session is revoked and the cookie cleared. */
  @Delete('current')
  @HttpCode(200)
  @ApiRoute({ summary: 'Sign out: the console session is revoked and its cookie cleared', role: 'viewer' })
  @ApiOkResponse({ type: SignedOutResponse })
  async end(
    @CurrentKey() key: AuthenticatedKey,
    @Req() req: ConsoleRequest,
    @Res({ passthrough: true }) res: Response,
  ) {
    if (req.consoleSessionId) await this.ending.execute(req.consoleSessionId, actorOf(key, req.id));
    res.setHeader('Set-Cookie', clearedSessionCookie(req.secure));
    return { signedOut: req.consoleSessionId !== undefined };
  }
}
