/** A required JSON request body, for createRoute's `request.body`. */
export const jsonBody = <T>(schema: T) => ({ required: true, content: { 'application/json': { schema } } });

/** A JSON response, for createRoute's `responses`. */
export const jsonAnswer = <T>(description: string, schema: T) => ({ description, content: { 'application/json': { schema } } });
