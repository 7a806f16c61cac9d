// The one error the OTLP decoders throw. Its message goes back to the client in a 400
// google.rpc.Status, so it names where in the request the problem is and what it was.

export class OtlpDecodeError extends Error {
  readonly code = 'FL_OTLP_DECODE';
  /**
   * @param path where the problem is, e.g. `resource_spans[0].scope_spans[1].spans[3].name`
   *   (proto field names for protobuf, lowerCamelCase JSON keys for JSON); '' for the whole request.
   * @param problem what was wrong, e.g. `length 900 runs past the end of the message (812 bytes left)`.
   */
  constructor(
    readonly path: string,
    readonly problem: string,
  ) {
    super(path ? `${path}: ${problem}` : problem);
    this.name = 'OtlpDecodeError';
  }
}
