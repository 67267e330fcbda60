// The password list is imported as text (`with { type: "text" }`), so it is embedded in a compiled binary
// instead of being read from a path that exists only in the source tree.
declare module "*.txt" {
  const text: string;
  export default text;
}
