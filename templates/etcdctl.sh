# Rendered by the etcd charm: etcdctl talks to this unit's cluster over mTLS.
# The client key is readable by root only.
export ETCDCTL_API=3
export ETCDCTL_ENDPOINTS={{endpoints}}
export ETCDCTL_CACERT={{ca_file}}
export ETCDCTL_CERT={{cert_file}}
export ETCDCTL_KEY={{key_file}}
