// cdktf's Jest matchers (toHaveResourceWithProperties, toBeValidTerraform, ...).
require("cdktf").Testing.setupJest();
