import { createRemoteJWKSet, errors as joseErrors, jwtVerify, type JWTPayload } from 'jose';
import { findApiKey, indexApiKeys, type ApiKey } from './api-keys.js';
import type { JwtSettings, SecuritySettings } from './settings.js';
import { isScope, type Caller, type Scope } from './scopes.js';

/** Asymmetric algorithms only: a JWKS holds public keys, and this rules out `none` and HS* confusion. */
const ALGORITHMS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA'];

export class AuthenticationError extends Error {
  override name = 'AuthenticationError';
}

/** The token could not be checked at all (the JWKS is unreachable or broken): not the caller's fault. */
export class AuthenticationUnavailableError extends Error {
  override name = 'AuthenticationUnavailableError';
}

/** The caller at once for an API key or anonymous access (a refusal throws), a promise for a JWT (its keys may be fetched). */
export type Authenticate = (headers: Headers, clientAddress: string) => Caller | Promise<Caller>;

/** Scopes from a claim that is a space-separated string (`scope`) or an array (`scp`, `permissions`). */
export function scopesFromClaim(value: unknown): Set<Scope> {
  const items = typeof value === 'string' ? value.split(/\s+/) : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return new Set(items.filter(isScope));
}

function jwtVerifier(settings: JwtSettings) {
  // Fetched on first use, cached, refetched when a token names an unknown `kid` (jose's cooldown applies).
  const jwks = createRemoteJWKSet(new URL(settings.jwksUrl));
  return async (token: string): Promise<Caller> => {
    let payload: JWTPayload;
    try {
      ({ payload } = await jwtVerify(token, jwks, {
        issuer: settings.issuer,
        audience: settings.audience,
        algorithms: ALGORITHMS,
        requiredClaims: ['exp'],
        clockTolerance: settings.clockToleranceS,
      }));
    } catch (error) {
      // A failed JWKS fetch is a TypeError from fetch, or jose's timeout / invalid-JWKS errors.
      if (!(error instanceof joseErrors.JOSEError) || error instanceof joseErrors.JWKSTimeout || error instanceof joseErrors.JWKSInvalid) {
        throw new AuthenticationUnavailableError('bearer tokens cannot be verified right now (the JWKS is unavailable); retry later');
      }
      // What an integrator needs is the claim that failed (aud, iss, exp, nbf) and why; jose's
      // claim errors carry both and never the token itself (its payload is not quoted).
      if (error instanceof joseErrors.JWTClaimValidationFailed || error instanceof joseErrors.JWTExpired) {
        throw new AuthenticationError(`invalid bearer token: the "${error.claim}" claim ${claimProblem(error.claim, error.reason)} (${error.code})`);
      }
      throw new AuthenticationError(`invalid bearer token (${error.code})`);
    }
    // jose checks `iat` only with maxTokenAge (which would make it required): a token issued
    // further in the future than the tolerance is refused here, as jose refuses such an `nbf`.
    if (typeof payload.iat === 'number' && payload.iat > Date.now() / 1000 + settings.clockToleranceS) {
      throw new AuthenticationError(`invalid bearer token: the "iat" claim ${claimProblem('iat', 'check_failed')} (ERR_JWT_CLAIM_VALIDATION_FAILED)`);
    }
    return { kind: 'jwt', id: `jwt:${payload.sub ?? 'unknown'}`, scopes: scopesFromClaim(payload[settings.scopesClaim]) };
  };
}

/** A sentence about a failed claim, from jose's `reason` (`missing`, `check_failed`, `unexpected`). */
function claimProblem(claim: string, reason: string): string {
  if (reason === 'missing') return 'is missing';
  if (claim === 'exp') return 'says the token has expired';
  if (claim === 'nbf') return 'says the token is not valid yet';
  if (claim === 'iat') return 'says the token was issued in the future';
  if (claim === 'aud' || claim === 'iss') return `does not match the configured JWT_${claim === 'aud' ? 'AUDIENCE' : 'ISSUER'}`;
  return 'failed its check';
}

/**
 * Resolves the caller from `authorization: Bearer <jwt>` or `x-api-key`; exactly one of them, or
 * none when anonymous access is allowed. A credential that is sent but wrong is always refused,
 * never downgraded to anonymous.
 */
export function createAuthenticator(security: SecuritySettings): Authenticate {
  const verifyJwt = security.jwt && jwtVerifier(security.jwt);
  const keys = indexApiKeys(security.apiKeys);
  // One caller per configured key, built once and frozen: a key's requests share it.
  const keyCallers = new Map<ApiKey, Caller>(security.apiKeys.map((key) => [key, Object.freeze({ kind: 'api-key', id: `key:${key.name}`, scopes: key.scopes })]));
  return (headers, clientAddress) => {
    const authorization = headers.get('authorization');
    const apiKey = headers.get('x-api-key');
    if (authorization !== null && apiKey !== null) throw new AuthenticationError('send either authorization or x-api-key, not both');
    if (apiKey !== null) {
      const key = findApiKey(keys, apiKey);
      if (!key) throw new AuthenticationError('invalid API key');
      return keyCallers.get(key)!;
    }
    if (authorization !== null) {
      const match = /^Bearer +([A-Za-z0-9_.~+/=-]+)$/i.exec(authorization.trim());
      if (!match) throw new AuthenticationError('the authorization header must be "Bearer <token>"');
      if (!verifyJwt) throw new AuthenticationError('bearer tokens are not accepted: JWT authentication is not configured');
      return verifyJwt(match[1]!);
    }
    if (!security.anonymousScopes) throw new AuthenticationError('authentication required: send x-api-key or authorization: Bearer <token>');
    return { kind: 'anonymous', id: `anonymous:${clientAddress}`, scopes: security.anonymousScopes };
  };
}
