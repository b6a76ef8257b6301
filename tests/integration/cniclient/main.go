// cniclient: a container runtime's side of CNI through libcni (Debian's
// golang-github-appc-cni-dev, the library Multus and the runtimes use):
// the plugin's result parsed into the spec's types, capabilities passed as
// runtimeConfig, results cached for CHECK and DEL.
//
//	cniclient ADD|CHECK|DEL CONF PLUGIN_DIR CACHE_DIR CONTAINER NETNS IFNAME ARGS [DEVINFO_FILE]
//
// ARGS is "K=V;K=V" (CNI_ARGS). Prints the ADD result as the runtime sees it.
package main

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"github.com/containernetworking/cni/libcni"
	types100 "github.com/containernetworking/cni/pkg/types/100"
)

func main() {
	if len(os.Args) < 9 {
		fmt.Fprintln(os.Stderr, "usage: cniclient ADD|CHECK|DEL CONF PLUGIN_DIR CACHE_DIR CONTAINER NETNS IFNAME ARGS [DEVINFO_FILE]")
		os.Exit(2)
	}
	cmd, confPath, pluginDir, cacheDir := os.Args[1], os.Args[2], os.Args[3], os.Args[4]
	conf, err := libcni.ConfFromFile(confPath)
	if err != nil {
		fail(err)
	}
	rt := &libcni.RuntimeConf{ContainerID: os.Args[5], NetNS: os.Args[6], IfName: os.Args[7],
		CapabilityArgs: map[string]interface{}{}}
	for _, kv := range strings.Split(os.Args[8], ";") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			rt.Args = append(rt.Args, [2]string{k, v})
		}
	}
	if len(os.Args) > 9 {
		rt.CapabilityArgs["CNIDeviceInfoFile"] = os.Args[9]
	}
	cni := libcni.NewCNIConfigWithCacheDir([]string{pluginDir}, cacheDir, nil)
	ctx := context.Background()
	switch cmd {
	case "ADD":
		res, err := cni.AddNetwork(ctx, conf, rt)
		if err != nil {
			fail(err)
		}
		cur, err := types100.NewResultFromResult(res)
		if err != nil {
			fail(err)
		}
		out, _ := json.Marshal(cur)
		fmt.Println(string(out))
	case "CHECK":
		if err := cni.CheckNetwork(ctx, conf, rt); err != nil {
			fail(err)
		}
	case "DEL":
		if err := cni.DelNetwork(ctx, conf, rt); err != nil {
			fail(err)
		}
	default:
		fail(fmt.Errorf("unknown command %s", cmd))
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "cniclient:", err)
	os.Exit(1)
}
