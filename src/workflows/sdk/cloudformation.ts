/**
 * An AWS::StepFunctions::StateMachine CloudFormation template for a definition. Role ARNs are
 * template Parameters, not hard-coded: the workflow's role becomes `WorkflowRoleArn`, and every
 * distinct role ARN inside task Parameters (RoleArn, ExecutionRoleArn) becomes a parameter
 * substituted into the definition through DefinitionSubstitutions.
 */
import type { MachineDefinition } from '../asl/index.ts';

const roleFields = new Set(['RoleArn', 'ExecutionRoleArn']);

export function toCloudFormationTemplate(options: {
  name: string;
  definition: MachineDefinition;
  roleArn?: string;
  description?: string;
}) {
  const roles = new Map<string, string>();
  const substitute = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(substitute);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, field] of Object.entries(value)) {
      if (roleFields.has(key) && typeof field === 'string' && field.startsWith('arn:')) {
        let parameter = roles.get(field);
        if (!parameter) {
          parameter = roles.size === 0 ? 'SageMakerRoleArn' : `SageMakerRoleArn${roles.size + 1}`;
          roles.set(field, parameter);
        }
        out[key] = `\${${parameter}}`;
      } else out[key] = substitute(field);
    }
    return out;
  };
  const definition = substitute(options.definition);
  const parameters: Record<string, unknown> = {
    WorkflowRoleArn: {
      Type: 'String',
      Description: 'The IAM role the state machine runs as',
      AllowedPattern: '^arn:aws[a-z-]*:iam::\\d{12}:role/.+$',
    },
  };
  for (const parameter of roles.values())
    parameters[parameter] = {
      Type: 'String',
      Description: 'A role ARN used by tasks of the workflow (e.g. the SageMaker execution role)',
    };
  const properties: Record<string, unknown> = {
    StateMachineName: options.name,
    DefinitionString: JSON.stringify(definition, null, 2),
    RoleArn: { Ref: 'WorkflowRoleArn' },
  };
  if (roles.size > 0)
    properties.DefinitionSubstitutions = Object.fromEntries(
      [...roles.values()].map((parameter) => [parameter, { Ref: parameter }]),
    );
  return {
    AWSTemplateFormatVersion: '2010-09-09',
    Description:
      options.description ?? `Slipway workflow ${options.name} as an AWS Step Functions state machine`,
    Parameters: parameters,
    Resources: {
      StateMachineComponent: { Type: 'AWS::StepFunctions::StateMachine', Properties: properties },
    },
    Outputs: { StateMachineArn: { Value: { Ref: 'StateMachineComponent' } } },
  };
}
