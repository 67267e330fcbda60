// Cedar sources are imported as text (`with { type: "text" }`), so they are embedded in a compiled binary
// instead of being read from a path that exists only in the source tree.
declare module "*.cedar" {
  const text: string;
  export default text;
}

declare module "*.cedarschema" {
  const text: string;
  export default text;
}
