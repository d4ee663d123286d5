import { Injectable, OnModuleDestroy } from '@nestjs/common';
import type { Request, Response } from 'express';
import { ApiException } from '../common/api-error.filter';

/** How often an open stream re-reads its proposal, and how often an idle one sends a heartbeat. */
export const STREAM_POLL_MS = 500;
export const STREAM_HEARTBEAT_MS = 15_000;
/** Open streams per session (or API key): a console has a handful of tabs, not hundreds. */
export const MAX_STREAMS_PER_CALLER = 8;

interface Stream {
  end(): void;
}

/**
 * Server-Sent Events of proposal views: each open stream re-reads its proposal every
 * STREAM_POLL_MS and sends the view when it changed; it ends after sending a terminal state, when
 * the client goes, or when the process stops. Bounded per caller.
 */
@Injectable()
export class ProposalStreams implements OnModuleDestroy {
  private readonly byCaller = new Map<string, Set<Stream>>();

  /** Throws RATE_LIMITED (before anything is written) when the caller has too many streams open. */
  reserve(caller: string): void {
    if ((this.byCaller.get(caller)?.size ?? 0) >= MAX_STREAMS_PER_CALLER) {
      throw new ApiException(
        'RATE_LIMITED',
        `At most ${MAX_STREAMS_PER_CALLER} live proposal streams may be open at once; close one.`,
      );
    }
  }

  open<T extends { state: string }>(
    caller: string,
    req: Request,
    res: Response,
    first: T,
    read: () => Promise<T>,
    isFinal: (view: T) => boolean,
  ): void {
    const streams = this.byCaller.get(caller) ?? new Set<Stream>();
    this.byCaller.set(caller, streams);
    let timer: NodeJS.Timeout | undefined;
    const heartbeat = setInterval(() => res.write(': heartbeat\n\n'), STREAM_HEARTBEAT_MS);
    let ended = false;
    let last = '';
    const stream: Stream = {
      end: () => {
        if (ended) return;
        ended = true;
        clearTimeout(timer);
        clearInterval(heartbeat);
        streams.delete(stream);
        if (streams.size === 0) this.byCaller.delete(caller);
        if (!res.writableEnded) res.end();
      },
    };
    streams.add(stream);

    const send = (view: T): boolean => {
      const data = JSON.stringify(view);
      if (data !== last) {
        last = data;
        res.write(`event: proposal\ndata: ${data}\n\n`);
      }
      if (isFinal(view)) {
        stream.end();
        return false;
      }
      return true;
    };
    const poll = () => {
      read().then(
        (view) => {
          if (!ended && send(view)) timer = setTimeout(poll, STREAM_POLL_MS);
        },
        () => stream.end(), // the database is down: the browser's EventSource reconnects
      );
    };

    req.on('close', () => stream.end());
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write('retry: 2000\n\n');
    if (send(first)) timer = setTimeout(poll, STREAM_POLL_MS);
  }

  onModuleDestroy(): void {
    for (const streams of [...this.byCaller.values()]) for (const stream of [...streams]) stream.end();
  }
}
