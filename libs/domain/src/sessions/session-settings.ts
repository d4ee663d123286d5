/** How long a console session lasts from sign-in (no sliding renewal: sign in again). */
export interface SessionSettings {
  ttlMinutes: number;
}
