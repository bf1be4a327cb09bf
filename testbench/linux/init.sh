#!/bin/busybox sh
# The guest's /init (testbench/linux/igb_guest.py builds it into the initramfs): load the real
# igb driver against iovsim's 82576 PF, bring eth0 up, ping the link partner, and report what
# the guest saw between @@ markers on the serial console. The harness reads the console.
/bin/busybox --install -s /bin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev
PARTNER=@PARTNER@
ADDR=@ADDR@
COUNT=@COUNT@
INTERVAL=@INTERVAL@
echo 1 > /proc/sys/net/ipv6/conf/all/disable_ipv6
echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6
for m in dca i2c-algo-bit igb; do insmod /lib/modules/$m.ko || echo "@@INSMOD_FAILED $m"; done
DEV=
for d in /sys/bus/pci/devices/*; do
  if [ "$(cat $d/vendor)" = 0x8086 ] && [ "$(cat $d/device)" = 0x10c9 ]; then DEV=$d; fi
done
echo "@@DEV ${DEV##*/}"
[ -n "$DEV" ] && echo "@@CONFIG $(hexdump -v -e '1/1 "%02x"' $DEV/config)"
i=0
while [ ! -e /sys/class/net/eth0 ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
echo "@@DRIVER $(basename $(readlink /sys/class/net/eth0/device/driver) 2>/dev/null)"
echo "@@MAC $(cat /sys/class/net/eth0/address)"
ip addr add $ADDR/24 dev eth0
ip link set eth0 up
i=0
while [ "$(cat /sys/class/net/eth0/carrier 2>/dev/null)" != 1 ] && [ $i -lt 150 ]; do sleep 0.1; i=$((i + 1)); done
echo "@@CARRIER $(cat /sys/class/net/eth0/carrier 2>/dev/null) after $i x 100 ms"
ping -c $COUNT -i $INTERVAL -W 5 $PARTNER > /tmp/ping.txt 2>&1
echo "@@PING_RC $?"
tail -n 3 /tmp/ping.txt | sed 's/^/@@PING /'
# Three UDP datagrams (traceroute's probes to high ports): the stack leaves their checksum to
# the device (CHECKSUM_PARTIAL: a context descriptor and TXSM); the link partner checks them.
traceroute -n -m 1 -q 3 -w 1 $PARTNER > /tmp/traceroute.txt 2>&1
echo "@@UDP_RC $?"
for s in rx_packets tx_packets rx_bytes tx_bytes rx_errors tx_errors rx_dropped tx_dropped rx_missed_errors; do
  echo "@@STAT $s $(cat /sys/class/net/eth0/statistics/$s)"
done
echo "@@DMESG_BEGIN"
dmesg | grep -i -E 'igb|0000:00:0[0-9a-f]\.0|irq' | sed 's/^/@@DMESG /'
echo "@@DMESG_END"
echo "@@DONE"
poweroff -f
