/** Small helpers around validateDefinition for table-driven validation tests. */
import { isSlipwayError, type SlipwayError } from '../../../../src/core/errors.ts';
import { findProblems, type Problem, validateDefinition } from '../../../../src/workflows/asl/index.ts';

export { findProblems };

/** The first problem validateDefinition reports (as thrown), or null when the definition is valid. */
export function validateDefinitionOrProblem(definition: unknown): Problem | null {
  try {
    validateDefinition(definition);
    return null;
  } catch (error) {
    if (!isSlipwayError(error)) throw error;
    return { field: String(error.details.field), reason: String(error.details.reason) };
  }
}

validateDefinitionOrProblem.throwing = (definition: unknown) => validateDefinition(definition);

export function isSlipwayErrorLike(error: unknown): error is SlipwayError {
  return isSlipwayError(error);
}
