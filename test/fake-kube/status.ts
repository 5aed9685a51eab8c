// Kubernetes `Status` failures, worded like a real API server's, so that clients (kubectl,
// @kubernetes/client-node, the extension) see exactly what they would see on AKS.

import { qualifiedName, type ResourceType } from './resources';

export interface StatusDetails {
  name?: string;
  group?: string;
  kind?: string;
  causes?: { reason?: string; message: string; field?: string }[];
  retryAfterSeconds?: number;
}

export interface KubeStatus {
  kind: 'Status';
  apiVersion: 'v1';
  metadata: Record<string, never>;
  status: 'Failure' | 'Success';
  message: string;
  reason: string;
  details?: StatusDetails;
  code: number;
}

/** An error that the server turns into a Status response. */
export class ApiError extends Error {
  readonly headers: Record<string, string>;
  constructor(readonly status: KubeStatus, headers: Record<string, string> = {}) {
    super(status.message);
    this.headers = headers;
  }
  get code(): number {
    return this.status.code;
  }
}

export function statusObject(code: number, reason: string, message: string, details?: StatusDetails): KubeStatus {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, ...(details ? { details } : {}), code };
}

function resourceDetails(r: ResourceType, name?: string): StatusDetails {
  return { ...(name !== undefined ? { name } : {}), ...(r.group ? { group: r.group } : {}), kind: r.plural };
}

export function notFound(r: ResourceType, name: string): ApiError {
  return new ApiError(statusObject(404, 'NotFound', `${qualifiedName(r)} "${name}" not found`, resourceDetails(r, name)));
}

export function alreadyExists(r: ResourceType, name: string): ApiError {
  return new ApiError(statusObject(409, 'AlreadyExists', `${qualifiedName(r)} "${name}" already exists`, resourceDetails(r, name)));
}

export function conflict(r: ResourceType, name: string): ApiError {
  return new ApiError(
    statusObject(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${qualifiedName(r)} "${name}": the object has been modified; please apply your changes to the latest version and try again`,
      resourceDetails(r, name),
    ),
  );
}

/** 422 with one cause, e.g. `Deployment.apps "api" is invalid: spec.selector: ...: field is immutable`. */
export function invalid(r: ResourceType, name: string, field: string, message: string): ApiError {
  const kind = r.group ? `${r.kind}.${r.group}` : r.kind;
  return new ApiError(
    statusObject(422, 'Invalid', `${kind} "${name}" is invalid: ${field}: ${message}`, {
      name,
      ...(r.group ? { group: r.group } : {}),
      kind: r.kind,
      causes: [{ reason: 'FieldValueInvalid', message, field }],
    }),
  );
}

export function badRequest(message: string): ApiError {
  return new ApiError(statusObject(400, 'BadRequest', message));
}

export function unauthorized(): ApiError {
  return new ApiError(statusObject(401, 'Unauthorized', 'Unauthorized'));
}

/**
 * `pods is forbidden: User "u" cannot list resource "pods" in API group "" in the namespace "ns"`;
 * with a name: `pods "x" is forbidden: ...`; the resource may be a subresource (`pods/log`).
 */
export function forbidden(user: string, verb: string, r: ResourceType, subresource: string | undefined, namespace: string | undefined, name: string | undefined): ApiError {
  const subject = name !== undefined ? `${qualifiedName(r)} "${name}"` : qualifiedName(r);
  const resource = subresource ? `${r.plural}/${subresource}` : r.plural;
  const scope = namespace !== undefined ? `in the namespace "${namespace}"` : 'at the cluster scope';
  return new ApiError(
    statusObject(403, 'Forbidden', `${subject} is forbidden: User "${user}" cannot ${verb} resource "${resource}" in API group "${r.group}" ${scope}`, resourceDetails(r, name)),
  );
}

export function gone(message: string): ApiError {
  return new ApiError(statusObject(410, 'Expired', message));
}

export function methodNotAllowed(): ApiError {
  return new ApiError(statusObject(405, 'MethodNotAllowed', 'the server does not allow this method on the requested resource'));
}

export function unsupportedMediaType(contentType: string): ApiError {
  return new ApiError(
    statusObject(
      415,
      'UnsupportedMediaType',
      `the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml, application/strategic-merge-patch+json (got ${contentType || 'none'})`,
    ),
  );
}

export function pathNotFound(): ApiError {
  return new ApiError(statusObject(404, 'NotFound', 'the server could not find the requested resource', {}));
}

/** The reason a real server gives for a bare HTTP status (used by injected faults). */
export function faultStatus(code: number, retryAfterSeconds: number | undefined): ApiError {
  const reasons: Record<number, [string, string]> = {
    400: ['BadRequest', 'the server rejected our request for an unknown reason'],
    401: ['Unauthorized', 'Unauthorized'],
    403: ['Forbidden', 'forbidden'],
    404: ['NotFound', 'the server could not find the requested resource'],
    409: ['Conflict', 'the server reported a conflict'],
    429: ['TooManyRequests', 'Too many requests, please try again later.'],
    500: ['InternalError', 'Internal error occurred: etcdserver: request timed out'],
    502: ['InternalError', 'an error on the server ("Bad Gateway") has prevented the request from succeeding'],
    503: ['ServiceUnavailable', 'the server is currently unable to handle the request'],
    504: ['Timeout', 'the server was unable to return a response in the time allotted, but may still be processing the request'],
  };
  const [reason, message] = reasons[code] ?? ['InternalError', `an error on the server has prevented the request from succeeding (status ${code})`];
  const headers: Record<string, string> = {};
  const details: StatusDetails = {};
  if (retryAfterSeconds !== undefined || code === 429) {
    const s = retryAfterSeconds ?? 1;
    headers['Retry-After'] = String(s);
    details.retryAfterSeconds = s;
  }
  return new ApiError(statusObject(code, reason, message, details), headers);
}
