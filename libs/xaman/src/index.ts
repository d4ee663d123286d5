export * from './xaman.gateway';
export * from './webhook-signature';
