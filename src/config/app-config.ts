import { Env } from './env';

/** Injection token and type of the validated environment; services read configuration only through it. */
export abstract class AppConfig extends Env {}
