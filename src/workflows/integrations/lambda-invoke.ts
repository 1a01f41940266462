/**
 * `arn:aws:states:::lambda:invoke` with `{ FunctionName, Payload }`: answers as Step Functions does,
 * `{ StatusCode, ExecutedVersion, Payload }`. A function's own ARN as the Resource
 * (`arn:aws:lambda:<region>:<account>:function:NAME`) answers with the payload alone.
 */
import { invalid } from '../../core/errors.ts';
import { type Json, TaskError, type TaskRequest } from '../asl/index.ts';
import { type FunctionDirectory, invokeFunction } from './functions.ts';
import type { IntegrationHandler } from './registry.ts';

export const lambdaInvokeResource = 'arn:aws:states:::lambda:invoke';
export const lambdaFunctionPrefix = 'arn:aws:lambda:';

/** A name, or a function ARN (with an optional version or alias, ignored). */
export function functionNameOf(value: string): string {
  const match = /^arn:[^:]+:lambda:[^:]*:[^:]*:function:([^:]+)/.exec(value);
  return match ? match[1]! : value;
}

async function call(directory: FunctionDirectory, name: string, payload: Json, request: TaskRequest) {
  const spec = await directory.find(name);
  if (!spec)
    throw new TaskError(
      'Lambda.ResourceNotFoundException',
      `Function not found: ${name} (register it first)`,
    );
  return invokeFunction(spec, payload, request.signal);
}

export function lambdaInvokeIntegration(directory: FunctionDirectory): IntegrationHandler {
  return {
    async run(request) {
      const parameters = request.parameters as { FunctionName?: unknown; Payload?: Json } | null;
      if (!parameters || typeof parameters.FunctionName !== 'string')
        throw new TaskError('States.Runtime', 'lambda:invoke: Parameters.FunctionName is required');
      const payload = await call(
        directory,
        functionNameOf(parameters.FunctionName),
        parameters.Payload ?? {},
        request,
      );
      return { StatusCode: 200, ExecutedVersion: '$LATEST', Payload: payload };
    },
    check(parameters, field) {
      const p = parameters as Record<string, unknown> | undefined;
      if (!p || typeof p !== 'object' || (p.FunctionName === undefined && p['FunctionName.$'] === undefined))
        throw invalid(`${field}.FunctionName`, 'is required');
    },
  };
}

/** `arn:aws:lambda:…:function:NAME` as the Resource itself: the Parameters are the event. */
export function lambdaFunctionIntegration(directory: FunctionDirectory, arn: string): IntegrationHandler {
  return {
    run: (request) => call(directory, functionNameOf(arn), request.parameters, request),
    check(_parameters, field) {
      if (!/^arn:aws:lambda:[^:]*:[^:]*:function:[^:]+(:[^:]+)?$/.test(arn))
        throw invalid(field.replace(/\.Parameters$/, '.Resource'), `${arn} is not a Lambda function ARN`);
    },
  };
}
