INSERT INTO audit_log (logged_at, actor, action, scope, detail, address) VALUES ($at, $actor, $action, $scope, $detail, $address)
