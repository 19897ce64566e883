// The cdktf app of this environment: `cdktf synth|deploy` run it through cdktf.json.
import { runEnvironment } from "@platform/stacks";
import { config } from "./config";

runEnvironment(config, __dirname);
