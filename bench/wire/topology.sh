# Sourced by the wire benches: h1 <veth> wire <veth> h2 in three namespaces named labwire-bench-*,
# addresses from 198.18.0.0/15 only. Touches nothing outside those namespaces.
NS_H1=labwire-bench-h1
NS_MID=labwire-bench-mid
NS_H2=labwire-bench-h2
H1_ADDR=198.18.0.1
H2_ADDR=198.18.0.2

topology_up() {
    ip netns add $NS_H1
    ip netns add $NS_MID
    ip netns add $NS_H2
    ip link add h1 netns $NS_H1 type veth peer name a netns $NS_MID
    ip link add h2 netns $NS_H2 type veth peer name b netns $NS_MID
    # The middle namespace must not talk on the wire's interfaces itself (IPv6 autoconfiguration).
    ip netns exec $NS_MID sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec $NS_MID ip link set dev a up
    ip netns exec $NS_MID ip link set dev b up
    ip netns exec $NS_MID ip link set lo up
    ip -n $NS_H1 addr add $H1_ADDR/24 dev h1
    ip -n $NS_H2 addr add $H2_ADDR/24 dev h2
    ip -n $NS_H1 link set h1 up
    ip -n $NS_H2 link set h2 up
    ip -n $NS_H1 link set lo up
    ip -n $NS_H2 link set lo up
}

topology_down() {
    ip netns del $NS_H1 2>/dev/null || true
    ip netns del $NS_MID 2>/dev/null || true
    ip netns del $NS_H2 2>/dev/null || true
}
